"""The officer desk, laid out as a complaint investigation: the complaint pasted in and read into its points (who is
complaining, the child, the procedure and its due dates), how the Ombudsman decided similar complaints, each point's
evidence and finding, the actions and the remedy offer beside the benchmark, then a response drafted and checked, and
refined in a chat under it (`refine_chat`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from ..deadlines import complaint_due_dates
from ..errors import UserError
from ..intake import split_complaint
from ..precedent_summary import money
from .desk import Desk, html_block, progress_block, writer_radio
from .forms import FINDINGS, ActionRow, OfficerForm, PointRow, day, officer_facts
from .investigation import benchmark_html, due_html, point_precedents_html, summary_html
from .refine_chat import RefineChat
from .render import progress_html
from .runtime import WARM_WAIT_S, Runtime, friendly_errors

MAX_POINTS = 8  # point rows on the page (a complaint read into more has its last ones joined into the eighth)
MAX_ACTIONS = 5
COMPLAINANTS = [
    ("Not said", ""),
    ("Parent", "parent"),
    ("Carer", "carer"),
    ("Special guardian", "special guardian"),
    ("Foster carer", "foster carer"),
    ("Young person", "young person"),
    ("Advocate", "advocate"),
]
PROCEDURES = [
    ("Council's complaints procedure", "corporate"),
    ("Children Act 1989 statutory procedure (children's social care)", "children-act"),
    ("A matter for the SEND Tribunal", "send-tribunal"),
]
STAGES = [("Stage 1", "1"), ("Stage 2", "2"), ("Stage 3", "3")]
TRIBUNAL_NOTE = (
    "The SEND Tribunal decides appeals about a plan's content or a refusal to assess; the council's own complaint "
    "timescales are shown for answering this complaint."
)


def due_for(
    received: str | None,
    procedure: str | None,
    stage: str | None,
    acknowledged: str | None = None,
    today: date | None = None,
) -> str:
    """The due-dates box: the procedure's dates from the day the complaint arrived (the acknowledgement marked done
    on the day it was sent, if it was), or what is wrong with a day typed."""
    today = today or date.today()
    try:
        iso = day(received, "Date the complaint arrived")
        ack = day(acknowledged, "Acknowledged on")
    except UserError as e:
        return due_html([], today, str(e))
    if not iso:
        return due_html([], today, "Type the date the complaint arrived to see when it is due.")
    proc = "children-act" if procedure == "children-act" else "corporate"
    n = int(stage or 1)
    if proc == "corporate" and n == 3:
        n = 2  # the council's own procedure has two stages; the Complaint Handling Code's stage 2 timescale applies
    dues = complaint_due_dates(date.fromisoformat(iso), proc, n)
    if ack:
        dues = [replace(d, done=date.fromisoformat(ack)) if d.label == "Acknowledgement" else d for d in dues]
    return due_html(dues, today, TRIBUNAL_NOTE if procedure == "send-tribunal" else None)


def build(rt: Runtime) -> Desk:
    """Lay out the officer desk's tab (inside `gr.Tabs`) and wire its handlers: "Read the complaint", the due dates,
    the point and action rows, `/officer_draft` (undocumented API) and the refine chat under the response."""
    import gradio as gr

    eng = rt.engine
    with gr.Tab("Officer desk", id="officer", elem_id="officer-desk"):
        with gr.Row(equal_height=False):
            with gr.Column(scale=5, min_width=340):
                html_block(
                    '<h3 class="desk-h">The complaint</h3><p class="intro">Paste the complaint as you received it and '
                    "<b>Read the complaint</b>: Precedent splits it into the points complained of, finds who is "
                    "complaining, and shows how the Ombudsman decided similar complaints. Record what your records show "
                    "and your finding on each point, the actions and the remedy, then draft the response.</p>"
                )
                o_complaint = gr.Textbox(
                    label="Complaint",
                    lines=10,
                    max_length=20_000,
                    elem_id="o-complaint",
                    placeholder="Paste the complaint here",
                )
                o_council = gr.Textbox(label="Your council (optional)", max_length=200, elem_id="o-council")
                o_read = gr.Button("Read the complaint", variant="secondary", elem_id="o-read")
                o_read_status = html_block(progress_html(""), "o-read-status")

                html_block('<h3 class="desk-h">Who and when</h3>')
                with gr.Row():
                    o_name = gr.Textbox(
                        label="Complainant's name", max_length=200, elem_id="o-name", placeholder="e.g. Ms A", scale=3
                    )
                    o_child = gr.Textbox(
                        label="Child", max_length=40, elem_id="o-child", placeholder="e.g. P", scale=1, min_width=110
                    )
                o_complainant = gr.Radio(COMPLAINANTS, value="", label="Who is complaining", elem_id="o-complainant")
                o_procedure = gr.Radio(PROCEDURES, value="corporate", label="Procedure", elem_id="o-procedure")
                with gr.Row():
                    o_stage = gr.Radio(STAGES, value="1", label="Stage of this response", elem_id="o-stage", scale=2)
                    o_received = gr.Textbox(
                        label="Date the complaint arrived",
                        value=lambda: date.today().isoformat(),
                        max_length=40,
                        elem_id="o-received",
                        placeholder="YYYY-MM-DD",
                        scale=1,
                        min_width=150,
                    )
                o_acknowledged = gr.Textbox(
                    label="Acknowledged on (if it has been)",
                    max_length=40,
                    elem_id="o-acknowledged",
                    placeholder="YYYY-MM-DD",
                )
                o_due = html_block(lambda: due_for(date.today().isoformat(), "corporate", "1"), "o-due")

                o_summary = html_block(summary_html(None), "o-summary")

                html_block(
                    '<h3 class="desk-h">The points complained of</h3><p class="intro">For each point: what the '
                    "council's records show, and your finding.</p>"
                )
                rows, points, evidence, findings, precs = [], [], [], [], []
                for i in range(1, MAX_POINTS + 1):
                    with gr.Group(visible=False, elem_id=f"o-prow-{i}", elem_classes=["point-row"]) as g:
                        points.append(gr.Textbox(label=f"Point {i}", lines=2, max_length=2000, elem_id=f"o-point-{i}"))
                        precs.append(html_block("", f"o-point-{i}-prec"))
                        evidence.append(
                            gr.Textbox(
                                label="What our records show",
                                lines=2,
                                max_length=5000,
                                elem_id=f"o-evidence-{i}",
                                placeholder="e.g. The OT service's records show no sessions from January to June",
                            )
                        )
                        findings.append(gr.Radio(FINDINGS, value=None, label="Finding", elem_id=f"o-finding-{i}"))
                    rows.append(g)
                o_add_point = gr.Button("Add a point", size="sm", elem_id="o-add-point")
                n_points = gr.State(0)

                html_block('<h3 class="desk-h">Putting it right</h3>')
                with gr.Row(equal_height=False):
                    o_remedy = gr.Textbox(
                        label="Remedy offer",
                        max_length=200,
                        elem_id="o-remedy",
                        placeholder="e.g. £600 or £600 to £900",
                        scale=2,
                    )
                    o_benchmark = html_block(benchmark_html(None), "o-benchmark", scale=3)
                o_use_median = gr.Button("Use the median", size="sm", elem_id="o-use-median", visible=False)
                arows, a_what, a_by, a_owner = [], [], [], []
                for j in range(1, MAX_ACTIONS + 1):
                    with gr.Row(visible=j == 1, elem_id=f"o-arow-{j}", equal_height=False) as r:
                        a_what.append(
                            gr.Textbox(
                                label=f"Action {j}",
                                max_length=1000,
                                elem_id=f"o-action-{j}",
                                placeholder="e.g. Arrange the missed OT sessions",
                                scale=3,
                            )
                        )
                        a_by.append(
                            gr.Textbox(
                                label="By (date)",
                                max_length=40,
                                elem_id=f"o-action-{j}-by",
                                placeholder="YYYY-MM-DD",
                                scale=1,
                                min_width=120,
                            )
                        )
                        a_owner.append(
                            gr.Textbox(
                                label="Owner", max_length=200, elem_id=f"o-action-{j}-owner", scale=2, min_width=140
                            )
                        )
                    arows.append(r)
                o_add_action = gr.Button("Add an action", size="sm", elem_id="o-add-action")
                n_actions = gr.State(1)
                o_changes = gr.Textbox(
                    label="What the council will change",
                    lines=2,
                    max_length=5000,
                    elem_id="o-changes",
                    placeholder="e.g. Monthly checks that Section F provision is in place",
                )
                o_officer = gr.Textbox(
                    label="Officer who signs", max_length=200, elem_id="o-officer", placeholder="e.g. Jo Smith"
                )
                sought = gr.State("")  # what the complainant asks for, as read from the complaint
                summary = gr.State(None)  # the PrecedentSummary shown, for the points' own lines

                o_writer = writer_radio(rt, "o")
                o_go = gr.Button("Draft the response", variant="primary", elem_id="o-draft", size="lg")
                o_progress = progress_block("o")
            with gr.Column(scale=7, min_width=420):
                html_block('<h3 class="desk-h">Draft response</h3>')
                officer = Desk(rt, "o", "officer", progress=o_progress)
                officer.refine = RefineChat(
                    officer,
                    o_writer,
                    intro="Ask for changes in your own words (“sign it from Jane Smith, Head of SEND”, “add "
                    "that we will review our process by 1 March”) or ask a question (“what have other councils "
                    "paid for this?”, answered here, not in the response); the response is redrafted and every "
                    "citation checked again.",
                    placeholder="Ask for a change, e.g. “make it shorter” or “remove the Norfolk citation”.",
                    first="Draft the response first (the button under the investigation), then ask for changes here.",
                )

    # ------------------------------------------------------------------ reading the complaint
    def read_failed(msg, *args):
        return {o_read_status: progress_html(msg, "error")}

    @friendly_errors(read_failed)
    def officer_read(complaint, council, *before):
        # what the officer already recorded on a point read again word for word is kept
        k = MAX_POINTS
        kept = {
            " ".join((p or "").split()): (e or "", f)
            for p, e, f in zip(before[:k], before[k : 2 * k], before[2 * k : 3 * k], strict=True)
            if (p or "").strip() and ((e or "").strip() or f)
        }
        if not (complaint or "").strip():
            raise UserError("Please paste the complaint: the complaint box is empty.")
        intake = split_complaint(complaint)
        got = list(intake.points)
        if len(got) > MAX_POINTS:
            got = got[: MAX_POINTS - 1] + [" ".join(got[MAX_POINTS - 1 :])[:2000]]
        found, note = None, None
        msg = rt.not_ready(WARM_WAIT_S)
        if msg:
            note = f"The decisions cannot be searched yet: {msg}"
        else:
            facts = officer_facts(complaint, council)
            found = eng.precedent_summary(facts)
        out = {
            o_name: intake.name or gr.update(),
            o_child: intake.child or gr.update(),
            o_complainant: intake.complainant or "",
            o_procedure: intake.procedure_hint
            if intake.procedure_hint in ("children-act", "send-tribunal")
            else "corporate",
            o_stage: str(intake.stage_requested or 1),
            n_points: len(got),
            o_summary: summary_html(found, note),
            o_benchmark: benchmark_html(found),
            o_use_median: gr.Button(
                f"Offer the median of comparable decisions ({money(found.overall.median)})",
                visible=True,
            )
            if found is not None and found.overall is not None
            else gr.Button(visible=False),
            summary: found,
            sought: intake.outcome_sought or "",
        }
        for i in range(MAX_POINTS):
            text = got[i] if i < len(got) else ""
            ev, fd = kept.get(" ".join(text.split()), ("", None))
            out |= {
                rows[i]: gr.Group(visible=i < len(got)),
                points[i]: text,
                evidence[i]: ev,
                findings[i]: fd,
                precs[i]: point_precedents_html(found, text),
            }
        who = f" from {intake.name}" if intake.name else ""
        n = len(got)
        carried = sum(" ".join(t.split()) in kept for t in got)
        tail = (
            f" What you recorded on {carried} of them is kept."
            if carried
            else " For each, record what your records show and your finding."
        )
        out[o_read_status] = progress_html(f"Read {n} point{'s' if n != 1 else ''}{who}.{tail}", "done")
        return out

    o_read.click(
        officer_read,
        inputs=[o_complaint, o_council, *points, *evidence, *findings],
        outputs=[
            o_name,
            o_child,
            o_complainant,
            o_procedure,
            o_stage,
            n_points,
            o_summary,
            o_benchmark,
            o_use_median,
            summary,
            sought,
            o_read_status,
            *rows,
            *points,
            *evidence,
            *findings,
            *precs,
        ],
        api_visibility="private",
        concurrency_id="draft",
        show_progress="minimal",
        show_progress_on=[o_summary],
    )

    def use_median(found):
        return money(found.overall.median) if found is not None and found.overall is not None else gr.update()

    o_use_median.click(use_median, inputs=summary, outputs=o_remedy, queue=False, api_visibility="private")

    # ------------------------------------------------------------------ the due dates, rows added by hand
    gr.on(
        [o_received.change, o_procedure.change, o_stage.change, o_acknowledged.change],
        due_for,
        inputs=[o_received, o_procedure, o_stage, o_acknowledged],
        outputs=o_due,
        queue=False,
        api_visibility="private",
        show_progress="hidden",
    )

    def add_point(n):
        n = min((n or 0) + 1, MAX_POINTS)
        return {n_points: n, **{rows[i]: gr.Group(visible=i < n) for i in range(MAX_POINTS)}}

    o_add_point.click(add_point, inputs=n_points, outputs=[n_points, *rows], queue=False, api_visibility="private")

    def add_action(n):
        n = min((n or 1) + 1, MAX_ACTIONS)
        return {n_actions: n, **{arows[j]: gr.Row(visible=j < n) for j in range(MAX_ACTIONS)}}

    o_add_action.click(add_action, inputs=n_actions, outputs=[n_actions, *arows], queue=False, api_visibility="private")

    for i in range(MAX_POINTS):
        points[i].blur(
            point_precedents_html,
            inputs=[summary, points[i]],
            outputs=precs[i],
            queue=False,
            api_visibility="private",
            show_progress="hidden",
        )

    # ------------------------------------------------------------------ drafting
    @officer.catches
    def officer_draft(complaint, council, name, child, complainant, procedure, stage, received, acknowledged, *rest):
        if not (yield from officer.ready()):
            return
        k = MAX_POINTS
        p_text, p_ev, p_find = rest[:k], rest[k : 2 * k], rest[2 * k : 3 * k]
        m = MAX_ACTIONS
        a_w, a_b, a_o = rest[3 * k : 3 * k + m], rest[3 * k + m : 3 * k + 2 * m], rest[3 * k + 2 * m : 3 * k + 3 * m]
        remedy, changes, officer_name, np, na, wanted, writer, state = rest[3 * k + 3 * m :]
        form = OfficerForm(
            name=name or "",
            child=child or "",
            complainant=complainant or None,
            procedure=procedure or "corporate",
            stage=int(stage or 1),
            received=received or "",
            acknowledged=acknowledged or "",
            points=[PointRow(p_text[i] or "", p_ev[i] or "", p_find[i] or None) for i in range(min(np or 0, k))],
            actions=[ActionRow(a_w[j] or "", a_b[j] or "", a_o[j] or "") for j in range(min(na or 1, m))],
            remedy_offer=remedy or "",
            changes=changes or "",
            officer=officer_name or "",
            outcome_sought=wanted or "",
        )
        facts = officer_facts(complaint, council, form)
        yield from officer.draft(facts, writer, state, "Finding comparable decisions…")

    o_go.click(
        officer_draft,
        inputs=[
            o_complaint,
            o_council,
            o_name,
            o_child,
            o_complainant,
            o_procedure,
            o_stage,
            o_received,
            o_acknowledged,
            *points,
            *evidence,
            *findings,
            *a_what,
            *a_by,
            *a_owner,
            o_remedy,
            o_changes,
            o_officer,
            n_points,
            n_actions,
            sought,
            o_writer,
            officer.state,
        ],
        api_name="officer_draft",
        api_visibility="undocumented",
        **officer.wiring(),
    )
    return officer
