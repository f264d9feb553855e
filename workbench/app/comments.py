"""Comment threads on a segment or a code, shown where the coding happens (the Code page) and answerable there.
Comment texts and author names are shown as text, never as Markdown or HTML."""

from __future__ import annotations

from typing import Any

import streamlit as st

from workbench.app import state
from workbench.app.widgets import escaped, md


def _add(project: Any, kind: str, guid: str, key: str, reply_to: int | None) -> None:
    text = st.session_state.get(key, "")
    who = state.coder()
    if not who:
        state.flash("Type your name in the sidebar (or start coding) before you comment.", "error")
        return
    if state.attempt(lambda: project.add_comment(kind, guid, text, who, reply_to=reply_to), "Comment added."):
        st.session_state[key] = ""


def comment_threads(project: Any, kind: str, guid: str, key: str, label: str = "Comments") -> None:
    """The threads on one segment or code, with a box to start a thread and one to answer each thread."""
    comments = project.comments(kind, [guid])
    threads: dict[str, list[Any]] = {}
    for comment in comments:
        threads.setdefault(comment.thread, []).append(comment)
    with st.expander(f"{label} ({len(comments)})", expanded=bool(comments)):
        for thread, items in threads.items():
            with st.container(border=True):
                for comment in items:
                    indent = "margin-left:1.2em;" if comment.reply_to else ""
                    st.markdown(
                        f'<div style="{indent}"><b>{escaped(comment.author)}</b> '
                        f'<span style="color:#6e7781">{escaped(comment.created[:16].replace("T", " "))}</span><br>'
                        f"{escaped(comment.text)}</div>", unsafe_allow_html=True)
                reply_key = f"{key}_reply_{thread}"
                st.text_input("Answer", key=reply_key, placeholder="Answer this thread", label_visibility="collapsed")
                st.button("Answer", key=f"{reply_key}_go", on_click=_add, args=(project, kind, guid, reply_key,
                                                                                items[-1].id))
        new_key = f"{key}_new"
        st.text_area(md(f"New comment on this {kind}"), key=new_key, height=68)
        st.button("Comment", key=f"{new_key}_go", on_click=_add, args=(project, kind, guid, new_key, None))
