// The personal plan: dated steps from the core, in a list that prints, and as an .ics file
// (made by the core; the page only offers it for download, nothing is sent anywhere).
import { el } from "./render.js";

export function renderPlan(ui, plan) {
  const steps = plan.steps.map((s) => el("li", { "data-step": s.id, "data-date": s.date }, [
    el("time", { datetime: s.date, class: "qmas-plan-date", text: s.date_text }),
    el("strong", { class: "qmas-plan-title", text: s.title }),
    el("span", { class: "qmas-plan-text", text: s.text }),
    ...s.sources.map((src) => el("a", { href: src.url, rel: "noopener", class: "qmas-plan-source", text: src.title })),
  ]));
  const download = el("a", { class: "md-button qmas-plan-ics", "data-testid": "plan-ics", download: ui.plan_file, href: "#", text: ui.plan_download });
  download.addEventListener("click", () => {
    // Made on the device when asked for: the file is never sent anywhere.
    const url = URL.createObjectURL(new Blob([plan.ics], { type: "text/calendar;charset=utf-8" }));
    download.href = url;
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  });
  return el("section", { class: "qmas-plan", "data-testid": "plan", "aria-labelledby": "qmas-plan-title" }, [
    el("h3", { id: "qmas-plan-title", text: ui.plan_title }),
    ...plan.notes.map((n) => el("p", { class: "qmas-note", text: n })),
    el("ol", { class: "qmas-plan-steps" }, steps),
    el("p", { class: "qmas-plan-actions" }, [download]),
  ]);
}
