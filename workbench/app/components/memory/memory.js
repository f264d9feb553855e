// Browser memory for the Case-Study Coding Workbench (Streamlit components v2, vendored, draws nothing).
//
// - The coder's name is kept in this browser's localStorage, so a reload or a new tab knows who is coding.
// - The coding draft (pending selection, chosen codes, memo) is kept in this tab's sessionStorage, so a reload
//   offers it back instead of losing it.
// Python sends {project, coder, ask_coder, forget_coder, draft, restore}; answers go back as trigger values
// "coder" (the remembered name) and "draft" (the kept draft). Each question is asked once per page load.

const CODER = "workbench:coder";

function storage(kind) {
  try {
    return kind === "local" ? window.localStorage : window.sessionStorage;
  } catch (error) {
    return null;  // storage disabled: the app asks again, as before
  }
}

export default function memory(component) {
  const { data, setTriggerValue } = component;
  if (!data) return () => {};
  const asked = (window.__wbMemoryAsked = window.__wbMemoryAsked || {});
  const local = storage("local");
  const session = storage("session");
  const draftKey = `workbench:draft:${data.project}`;
  if (local) {
    if (data.coder) {
      local.setItem(CODER, data.coder);
    } else if (data.forget_coder) {
      local.removeItem(CODER);
    } else if (data.ask_coder && !asked.coder) {
      asked.coder = true;
      const name = local.getItem(CODER);
      if (name) setTriggerValue("coder", name);
    }
  }
  if (session) {
    if (data.restore) {
      if (!asked[draftKey]) {
        asked[draftKey] = true;
        const raw = session.getItem(draftKey);
        if (raw) {
          try {
            setTriggerValue("draft", JSON.parse(raw));
          } catch (error) {
            session.removeItem(draftKey);
          }
        }
      }
    } else if (data.draft) {
      session.setItem(draftKey, JSON.stringify(data.draft));
    } else {
      session.removeItem(draftKey);
    }
  }
  return () => {};
}
