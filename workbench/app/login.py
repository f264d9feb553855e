"""Who is at the keyboard: the login page of a project with accounts, idle expiry, logout, single sign-on.

:func:`gate` runs before any page: it refuses a foreign Host header, and in a project with accounts it shows the
login page (and stops the run) until the session has logged in. It returns the session's
:class:`~workbench.privileges.Privileges` and makes the project connection read as that user (blind coding).
"""

from __future__ import annotations

import hashlib
import os
import time
from typing import Any

import streamlit as st

from workbench.app.widgets import md
from workbench.auth import DEFAULT_IDLE_MINUTES, LoginThrottle, Sessions
from workbench.privileges import Privileges
from workbench.store import Project

ACCOUNT = "_account"
LAST_ACTIVE = "_last_active"
TOKEN = "_login_token"
# Keeps a login across reloads and links opened in a new tab: the cookie holds a random key that only this server
# process knows (auth.Sessions), forgotten at logout or after the idle time. Set from the page (Streamlit's
# connection cannot set HTTP cookies), SameSite=Strict.
_COOKIE = st.components.v2.component(
    "workbench.login_cookie",
    js="""
export default function loginCookie(component) {
  const { data } = component;
  if (!data || !data.name) return;
  const value = data.value ? encodeURIComponent(data.value) : "";
  document.cookie = `${data.name}=${value}; path=/; SameSite=Strict` + (data.value ? "" : "; max-age=0");
}
""",
)


def cookie_name() -> str:
    return f"workbench_login_{os.environ.get('WORKBENCH_PORT', '')}"


def cookie_component_key(value: str) -> str:
    """A widget key per cookie value; hex only, as Streamlit refuses `__` in a component's key."""
    return f"login_cookie_{hashlib.sha256(value.encode()).hexdigest()[:12]}" if value else "login_cookie_clear"


def _write_cookie(value: str) -> None:
    _COOKIE(key=cookie_component_key(value), data={"name": cookie_name(), "value": value}, height=0)


def _cookie() -> str | None:
    try:
        return st.context.cookies.get(cookie_name())
    except Exception:
        return None


@st.cache_resource
def throttle() -> LoginThrottle:
    """One throttle for every session of this server process."""
    return LoginThrottle()


@st.cache_resource
def sessions() -> Sessions:
    try:
        minutes = float(os.environ.get("WORKBENCH_IDLE_MINUTES", DEFAULT_IDLE_MINUTES))
    except ValueError:
        minutes = DEFAULT_IDLE_MINUTES
    return Sessions(idle_minutes=minutes)


def session_id() -> str:
    """A key of this browser session (kept in its state) for the list of who is working now."""
    import secrets

    return st.session_state.setdefault("_presence_key", secrets.token_hex(8))


def client_address() -> str | None:
    try:
        return st.context.ip_address
    except Exception:
        return None


def host_refused() -> bool:
    """Defence in depth behind the door middleware: a Host header other than the served address."""
    allowed = [h for h in os.environ.get("WORKBENCH_ALLOWED_HOSTS", "").split(",") if h]
    try:
        host = (st.context.headers.get("Host") or "").lower()
    except Exception:
        host = ""
    return bool(allowed and host and host not in allowed)


def logged_in() -> str | None:
    return st.session_state.get(ACCOUNT)


def log_out(message: str | None = None) -> None:
    sessions().revoke(st.session_state.pop(TOKEN, None))
    sessions().revoke(_cookie())
    st.session_state["_clear_cookie"] = True
    st.session_state.pop(ACCOUNT, None)
    st.session_state.pop(LAST_ACTIVE, None)
    for key in ("coder", "undo_stack", "pending"):
        st.session_state.pop(key, None)
    sessions().leave(session_id())
    if message:
        st.session_state["_login_notice"] = message


def sso_settings() -> dict[str, Any] | None:
    """The ``[auth]`` section of ``.streamlit/secrets.toml`` when it configures single sign-on (OIDC)."""
    try:
        auth = st.secrets.get("auth")
    except Exception:
        return None
    if not auth or not auth.get("server_metadata_url") and not any(
            isinstance(v, dict) and v.get("server_metadata_url") for v in auth.values()):
        return None
    return dict(auth)


def provider_reachable(settings: dict[str, Any], timeout: float = 3.0) -> str | None:
    """None when the provider's metadata can be fetched, else a one-line reason."""
    import urllib.request

    url = settings.get("server_metadata_url") or next(
        (v["server_metadata_url"] for v in settings.values() if isinstance(v, dict) and "server_metadata_url" in v),
        "")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - the configured provider
            response.read(1)
        return None
    except Exception as exc:  # any failure means: no single sign-on now
        return f"the single sign-on provider at {url} cannot be reached ({type(exc).__name__})"


def _sso_login(project: Project) -> None:
    settings = sso_settings()
    if settings is None:
        return
    user = getattr(st, "user", None)
    if user is not None and getattr(user, "is_logged_in", False):
        email = user.get("email") or ""
        account = project.account_by_email(email) if email else None
        if account is None:
            st.error(md(f"You signed in as {email or 'someone without an e-mail address'}, which is no account of "
                        "this project; ask an admin to add it (workbench user add … --email)."))
            st.button("Sign out of single sign-on", on_click=st.logout)
            return
        _start_session(account.name)
        st.rerun()
    st.divider()
    problem = provider_reachable(settings)
    if problem:
        st.warning(md(f"Single sign-on is configured, but {problem}. Log in with your name and password, or ask "
                      "your admin to check .streamlit/secrets.toml."))
        return
    st.button("Log in with single sign-on", on_click=st.login)


def _start_session(name: str, token: str | None = None) -> None:
    if token is None:
        token = sessions().issue(name, "")
        st.session_state["_set_cookie"] = token
    st.session_state[TOKEN] = token
    st.session_state[ACCOUNT] = name
    st.session_state[LAST_ACTIVE] = time.time()
    st.session_state["coder"] = name


def _try_login() -> None:
    project: Project = st.session_state["_project"]
    name = st.session_state.get("login_name", "")
    password = st.session_state.get("login_password", "")
    st.session_state["login_password"] = ""
    address = client_address()
    wait = throttle().wait_seconds(name, address)
    if wait > 0:
        st.session_state["_login_notice"] = f"Too many failed logins: wait {wait:.0f} seconds and try again."
        return
    account = project.check_login(name, password)
    if account is None:
        throttle().failed(name, address)
        st.session_state["_login_notice"] = "Wrong name or password."
        return
    throttle().succeeded(name, address)
    _start_session(account.name)


def login_page(project: Project) -> None:
    st.title("Log in")
    st.caption(md(f"Project: {os.path.basename(str(project.path))}"))
    notice = st.session_state.pop("_login_notice", None)
    if notice:
        st.warning(notice)
    with st.form("login"):
        st.text_input("Name", key="login_name", autocomplete="username")
        st.text_input("Password", type="password", key="login_password", autocomplete="current-password")
        st.form_submit_button("Log in", on_click=_try_login, type="primary")
    _sso_login(project)


def still_active(project: Project) -> bool:
    """On a fragment's own rerun (``gate`` did not run): False when the logged-in session ended (its account
    removed, or idle too long), so the whole page runs and ``gate`` logs it out; else it is marked active."""
    if not project.has_accounts():
        return True
    name = logged_in()
    account = project.account(name) if name else None
    if account is None or sessions().expired(st.session_state.get(LAST_ACTIVE)):
        return False
    st.session_state[LAST_ACTIVE] = time.time()
    sessions().touch(session_id(), account.name, account.role)
    return True


def gate(project: Project) -> Privileges:
    """The session's user; shows the login page and stops the run while nobody is logged in."""
    if host_refused():
        st.error("This server answers only to its own address.")
        st.stop()
    if not project.has_accounts():
        from workbench.app import state

        return project.view_as(state.coder() or "")
    name = logged_in()
    if name is None and not st.session_state.get("_clear_cookie"):
        token = _cookie()
        resumed = sessions().resume(token)
        if resumed is not None and project.account(resumed) is not None:
            _start_session(resumed, token)  # the same browser, a new page: still logged in
            name = resumed
    if name is not None:
        account = project.account(name)
        if account is None:
            log_out("Your account was removed.")
        elif sessions().expired(st.session_state.get(LAST_ACTIVE)):
            log_out("You were logged out after a while without activity. Log in again.")
        else:
            st.session_state[LAST_ACTIVE] = time.time()
            sessions().touch(session_id(), account.name, account.role)
            sessions().resume(st.session_state.get(TOKEN))
            pending = st.session_state.pop("_set_cookie", None)
            if pending:
                with st.sidebar:
                    _write_cookie(pending)
            return project.view_as(account.name)
    if st.session_state.pop("_clear_cookie", False):
        _write_cookie("")
    login_page(project)
    st.stop()
    raise AssertionError("unreachable")


def sidebar(privileges: Privileges) -> None:
    """The logged-in user and the Logout button (projects with accounts)."""
    if privileges.is_local:
        return
    st.caption(md(f"Logged in as {privileges.name} ({privileges.role})"))
    if st.button("Log out", key="logout"):
        log_out("You are logged out.")
        st.rerun()
