"""The codebook page: the code tree with colours, definitions and counts; add, rename, move, merge, recolour and
delete codes; import and export the YAML codebook."""

from __future__ import annotations

import streamlit as st

from workbench.app import reads, state
from workbench.app.exchange_panel import codebook_exchange
from workbench.app.widgets import escaped, html_block, md, swatch, text_html
from workbench.codebook import export_codebook, import_codebook, subtree_totals

project = state.project()
state.show_flash()

st.title("Codebook")
codes = list(reads.read(project, "codes"))
by_id = {c.id: c for c in codes}
counts = reads.read(project, "segment_counts_by_code")
totals = subtree_totals(codes, counts)
who = state.coder() or "codebook editor"


def depth(code) -> int:
    return code.path.count("/")


tree_col, edit_col = st.columns([3, 2], gap="large")

with tree_col:
    if not codes:
        st.info("The codebook is empty. Add a code on the right, or import a YAML codebook.")
    for code in codes:
        indent = depth(code) * 1.6
        own = counts.get(code.id, 0)
        total = totals.get(code.id, own)
        count_text = f"{own} segments" + (f" ({total} with child codes)" if total != own else "")
        st.markdown(
            f'<div style="margin-left:{indent}rem">{swatch(code.colour, code.name, 14)}'
            f' <span style="color:#6e7781;font-size:0.85em">· {count_text}</span></div>',
            unsafe_allow_html=True,
        )
        with st.expander("definition and guidance", expanded=False):
            for label, value in (("Definition", code.definition), ("When to use", code.when_to_use),
                                 ("When not to use", code.when_not_to_use), ("Example", code.example)):
                if value:
                    st.markdown(html_block(f"<b>{label}.</b> {escaped(value)}"), unsafe_allow_html=True)
            if code.keywords:
                st.markdown(html_block("<b>Keywords.</b> " + text_html(", ".join(code.keywords))),
                            unsafe_allow_html=True)
            if not any((code.definition, code.when_to_use, code.when_not_to_use, code.example)):
                st.caption("No definition yet: add one under Edit.")


def code_label(code_id: int | None) -> str:
    return "(top level)" if code_id is None else by_id[code_id].path


def on_add() -> None:
    name = st.session_state.get("new_name", "")
    parent = st.session_state.get("new_parent")
    colour = st.session_state.get("new_colour") if st.session_state.get("new_colour_own") else None
    if state.attempt(lambda: project.add_code(
            name, parent, colour=colour, who=who, definition=st.session_state.get("new_definition", ""),
            when_to_use=st.session_state.get("new_when", ""), when_not_to_use=st.session_state.get("new_when_not", ""),
            example=st.session_state.get("new_example", ""),
            keywords=[k.strip() for k in st.session_state.get("new_keywords", "").split(",") if k.strip()]),
            f"Added code {name.strip()!r}."):
        for key in ("new_name", "new_definition", "new_when", "new_when_not", "new_example", "new_keywords"):
            st.session_state[key] = ""
        st.session_state.pop("new_colour", None)


def on_edit() -> None:
    code_id = st.session_state["edit_code"]
    code = by_id[code_id]
    fields = {
        "name": st.session_state["edit_name"], "colour": st.session_state["edit_colour"],
        "definition": st.session_state["edit_definition"], "when_to_use": st.session_state["edit_when"],
        "when_not_to_use": st.session_state["edit_when_not"], "example": st.session_state["edit_example"],
        "keywords": [k.strip() for k in st.session_state["edit_keywords"].split(",") if k.strip()],
    }
    changed = {k: v for k, v in fields.items()
               if (tuple(v) if k == "keywords" else v) != getattr(code, k)}
    if not changed:
        state.flash("Nothing changed.", "info")
        return
    state.attempt(lambda: project.update_code(code_id, who=who, **changed), f"Saved {code.path!r}.")


def on_move() -> None:
    code_id = st.session_state["edit_code"]
    state.attempt(lambda: project.move_code(code_id, st.session_state["move_parent"], who=who),
                  f"Moved {by_id[code_id].name!r}.")


def on_merge() -> None:
    source = st.session_state["edit_code"]
    target = st.session_state["merge_target"]
    if target is None:
        state.flash("Choose the code to merge into.", "warning", "merge")
        return
    moved = state.attempt(lambda: project.merge_codes(source, target, who=who), place="merge")
    if moved is not None:
        state.flash(f"Merged {by_id[source].path!r} into {by_id[target].path!r}: {moved} segments moved.")
        st.session_state.pop("edit_code", None)


def on_delete() -> None:
    code_id = st.session_state["edit_code"]
    also = st.session_state.get(f"delete_segments_{code_id}", False)
    deleted = state.attempt(lambda: project.delete_code(code_id, who=who, delete_segments=also), place="delete")
    if deleted is not None:
        state.flash(f"Deleted {by_id[code_id].path!r}" + (f" and its {deleted} segments." if deleted else "."))
        st.session_state.pop("edit_code", None)


def code_signature(code) -> tuple:
    return (code.name, code.colour, code.definition, code.when_to_use, code.when_not_to_use, code.example,
            code.keywords, code.parent_id)


def load_edit_fields() -> None:
    code = by_id.get(st.session_state.get("edit_code"))
    if code:
        st.session_state["edit_loaded"] = (code.id, code_signature(code))
        st.session_state.update({
            "edit_name": code.name, "edit_colour": code.colour, "edit_definition": code.definition,
            "edit_when": code.when_to_use, "edit_when_not": code.when_not_to_use, "edit_example": code.example,
            "edit_keywords": ", ".join(code.keywords), "move_parent": code.parent_id,
        })


def guidance_fields(prefix: str) -> None:
    """The definition, guidance, example and keywords boxes of the edit and add forms."""
    st.text_area("Definition", key=f"{prefix}_definition", height=100)
    st.text_area("When to use", key=f"{prefix}_when", height=68)
    st.text_area("When not to use", key=f"{prefix}_when_not", height=68)
    st.text_area("Example", key=f"{prefix}_example", height=68)
    st.text_input("Keywords (comma separated)", key=f"{prefix}_keywords")


if not state.privileges().can_edit_codebook():
    edit_col.info("You read the codebook here; a supervisor or an admin edits it.")
    st.stop()

with edit_col:
    tab_edit, tab_add, tab_file = st.tabs(["Edit a code", "Add a code", "Import / export"])
    with tab_edit:
        if codes:
            if st.session_state.get("edit_code") not in by_id:
                st.session_state["edit_code"] = codes[0].id
                load_edit_fields()
            st.selectbox("Code", list(by_id), key="edit_code", format_func=code_label, on_change=load_edit_fields)
            shown = by_id[st.session_state["edit_code"]]
            if "edit_name" not in st.session_state or st.session_state.get("edit_loaded") != (
                    shown.id, code_signature(shown)):
                load_edit_fields()  # first view, or the code changed elsewhere (import, merge, another page)
            current = by_id[st.session_state["edit_code"]]
            st.text_input("Name", key="edit_name")
            st.color_picker("Colour", key="edit_colour")
            guidance_fields("edit")
            st.button("Save changes", type="primary", on_click=on_edit, key="save_code")
            st.divider()
            parents = [None] + [c.id for c in codes if c.id != current.id
                                and not c.path.startswith(current.path + "/")]
            if st.session_state.get("move_parent") not in parents:
                st.session_state["move_parent"] = current.parent_id
            st.selectbox("Move under", parents, key="move_parent", format_func=code_label)
            st.button("Move", on_click=on_move, key="move_code")
            st.divider()
            targets = [c.id for c in codes if c.id != current.id and not c.path.startswith(current.path + "/")]
            st.selectbox("Merge into", [None] + targets, key="merge_target",
                         format_func=lambda c: "(choose a code)" if c is None else by_id[c].path)
            st.caption(md(f"Merging moves all {counts.get(current.id, 0)} segments of {current.name!r} to the "
                          "chosen code, moves its child codes there, and removes it."))
            st.button("Merge", on_click=on_merge, key="merge_code")
            state.show_flash("merge")
            st.divider()
            used = counts.get(current.id, 0)
            if used:
                st.checkbox(f"Also delete its {used} segments (they cannot be recovered from here)",
                            key=f"delete_segments_{current.id}")
            st.button("Delete code", on_click=on_delete, key="delete_code",
                      help="Refused while segments use the code, unless you also delete them; merge instead to keep "
                           "them.")
            state.show_flash("delete")
        else:
            st.caption("No codes yet.")
    with tab_add:
        st.text_input("Name", key="new_name")
        new_parent = st.selectbox("Parent", [None] + [c.id for c in codes], key="new_parent",
                                  format_func=code_label)
        suggested = project.suggest_colour(new_parent)
        if st.toggle("Choose the colour myself", key="new_colour_own"):
            st.color_picker("Colour", value=suggested, key="new_colour")
        else:
            st.markdown(html_block(swatch(suggested, "a colour no other code has" if new_parent is None
                                          else "a shade of its parent's colour")), unsafe_allow_html=True)
        guidance_fields("new")
        st.button("Add code", type="primary", on_click=on_add, key="add_code")
    with tab_file:
        st.download_button("Export codebook (YAML)", lambda: export_codebook(project).encode("utf-8"),
                           file_name="codebook.yaml", mime="application/x-yaml", key="export_codebook")
        upload = st.file_uploader("Import a YAML codebook (new codes are added, codes with the same path are "
                                  "updated; nothing is deleted)", type=["yaml", "yml"], key="codebook_upload")
        if upload is not None and st.button("Import codebook", key="import_codebook"):
            result = state.attempt(lambda: import_codebook(project, upload.getvalue(), upload.name, who=who))
            if result:
                state.flash(f"Codebook imported: {result['added']} added, {result['updated']} updated.")
            st.rerun()
        codebook_exchange(project, state.privileges(), who)
state.show_all_flash()
