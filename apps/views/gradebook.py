"""The gradebook of a section: enter an assignment's scores, see the running
grades, post the period marks.

Scores are saved for the whole sheet in one click, all or none. A period
mark is the gradebook's proposal posted as the mark of record; once a
grading period is closed, a mark changes only through an approved
grade-change request, which this page opens and, once approved, applies.
Every read and write checks the user's scope, so a section id typed into
the address is refused like any other.
"""

import datetime as dt

import streamlit as st

from apps import ui
from apps.choices import section_choices
from operational.errors import WeightsDoNotSum
from operational.services import access, approvals, gradebook, grading
from operational.services import gradebook_sheets as sheets

principal = ui.require_page(__file__)

STATUS_NAMES = {"on_time": "on time", "late": "late"}

st.title("Gradebook")


def computed(action):
    """A gradebook computation, or why it cannot run yet: the categories'
    weights must add up to 100 first."""

    def run(session):
        try:
            return action(session), None
        except WeightsDoNotSum as error:
            return None, error.message

    return ui.read(principal, run)


def in_section(action):
    """A write that first checks, inside its transaction, that the section is
    still the user's."""

    def run(session):
        access.require_section(session, principal, section_id)
        return action(session)

    return run


def points_text(points) -> str:
    return "" if points is None else f"{points}"


def as_float(value):
    return None if value is None else float(value)


def work_state(line: sheets.SheetLine) -> str:
    if line.status is None:
        return "Nothing handed in"
    if line.is_excused:
        return "Excused"
    if line.status == "missing":
        return "Never handed in"
    state = f"Handed in {line.submitted_date}, {STATUS_NAMES[line.status]}"
    return state if line.points_earned is not None else f"{state}; needs a score"


def score_entry() -> None:
    choices = ui.read(principal, lambda s: sheets.scoreable_assignments(s, section_id))
    if not choices:
        st.info(
            "This section has no published assignment to score yet. Quizzes "
            "are scored through their answers."
        )
        return
    by_id = {choice.assignment_id: choice for choice in choices}
    assignment_id = st.selectbox(
        "Assignment",
        list(by_id),
        format_func=lambda a: f"{by_id[a].title} (due {by_id[a].due_date})",
        key=f"gradebook_assignment_{section_id}",
    )
    chosen = by_id[assignment_id]
    cutoff = ""
    if chosen.cutoff_date is not None:
        cutoff = f"; no work accepted after {chosen.cutoff_date}"
    st.caption(
        ui.plain(
            f"{chosen.category}, worth {chosen.points_possible} points, due "
            f"{chosen.due_date}{cutoff}."
        )
    )
    lines = ui.read(principal, lambda s: sheets.score_sheet(s, assignment_id))
    if not lines:
        st.info("No student was on the roster on the due date.")
        return

    entries, submitted = score_form(lines, f"scores_{assignment_id}")
    if submitted:

        def save(session):
            sheets.assignment_of_section(session, section_id, assignment_id)
            return sheets.save_score_sheet(
                session, principal.actor, assignment_id=assignment_id, entries=entries
            )

        ui.save(
            in_section(save),
            lambda saved: (
                f"{chosen.title}: {saved.n_scored} scored, {saved.n_excused} "
                f"excused, {saved.n_unexcused} no longer excused."
            ),
        )


def score_form(lines, form_key: str) -> tuple[list[sheets.ScoreEntry], bool]:
    """The sheet, a line a student; returns what was typed on every line."""
    widths = [3, 3, 2, 4, 1]
    entries = []
    with st.form(form_key):
        header = st.columns(widths)
        for column, name in zip(
            header,
            ["Student", "Handed in", "Points", "Feedback", "Excused"],
            strict=True,
        ):
            column.markdown(f"**{name}**")
        for line in lines:
            key = f"{form_key}_{line.student_id}_{line.version}"
            name, state, points, feedback, excused = st.columns(widths)
            name.text(f"{line.name} ({line.student_number})")
            handed_in = None
            if line.status is None:
                handed_in = state.date_input(
                    f"Day {line.name} handed in paper work",
                    value=None,
                    key=f"{key}_day",
                    format="YYYY-MM-DD",
                    label_visibility="collapsed",
                    help="Leave empty for work never handed in.",
                )
            else:
                state.text(work_state(line))
            entries.append(
                sheets.ScoreEntry(
                    student_id=line.student_id,
                    points=points.text_input(
                        f"Points of {line.name}",
                        value=points_text(line.points_earned),
                        key=f"{key}_points",
                        label_visibility="collapsed",
                    ),
                    feedback=feedback.text_input(
                        f"Feedback to {line.name}",
                        value=line.feedback or "",
                        key=f"{key}_feedback",
                        label_visibility="collapsed",
                    ),
                    submitted_date=handed_in,
                    is_excused=excused.checkbox(
                        f"Excuse {line.name}",
                        value=line.is_excused,
                        key=f"{key}_excused",
                        label_visibility="collapsed",
                    ),
                )
            )
        submitted = st.form_submit_button(
            "Save scores", type="primary", key=f"{form_key}_save"
        )
    return entries, submitted


def running_grades() -> None:
    rows, problem = computed(lambda s: sheets.grade_table(s, section_id, as_of=as_of))
    if problem:
        st.warning(problem)
        return
    if not rows:
        st.info(f"No student has been on this roster by {as_of}.")
        return
    table = [
        {
            "Student": row.name,
            "Number": row.student_number,
            "Grade %": as_float(row.percent),
            **{f"{name} %": as_float(value) for name, value in row.categories.items()},
            "Handed in": row.progress.n_done,
            "Overdue": row.progress.n_overdue,
            "Needs a score": row.progress.n_needs_grading,
            "Excused": row.progress.n_excused,
            "Not yet due": row.progress.n_due,
        }
        for row in rows
    ]
    st.dataframe(
        table,
        hide_index=True,
        key=f"gradebook_grades_{section_id}",
        column_config={
            name: st.column_config.NumberColumn(format="%.2f")
            for name in table[0]
            if name.endswith(" %")
        },
    )
    st.caption(
        f"As of {as_of}: work past its due date and not handed in counts as "
        "zero; work waiting for a score does not count yet."
    )


def period_marks() -> None:
    found = ui.read(principal, lambda s: sheets.grading_periods(s, section_id))
    periods = {period.grading_period_id: period for period in found}
    if not periods:
        st.info("The school year of this section has no grading periods yet.")
        return
    period_id = st.selectbox(
        "Grading period",
        list(periods),
        format_func=lambda p: (
            f"{periods[p].name}, {periods[p].start_date} to {periods[p].end_date}"
            f" ({'closed' if periods[p].is_closed else 'open'})"
        ),
        key=f"gradebook_period_{section_id}",
    )
    period = periods[period_id]
    rows, problem = computed(
        lambda s: sheets.proposal_table(s, section_id, period_id, as_of=as_of)
    )
    if problem:
        st.warning(problem)
        return
    if not rows:
        st.info(ui.plain(f"No student was on this roster during {period.name}."))
        return
    st.dataframe(
        [
            {
                "Student": row.name,
                "Number": row.student_number,
                "Proposed %": as_float(row.percent),
                "Letter": row.letter,
                "Needs a score": row.n_needs_grading,
                "Posted %": as_float(row.posted_percent),
                "Posted letter": row.posted_letter,
            }
            for row in rows
        ],
        hide_index=True,
        key=f"gradebook_proposals_{section_id}_{period_id}",
        column_config={
            name: st.column_config.NumberColumn(format="%.2f")
            for name in ("Proposed %", "Posted %")
        },
    )
    post_form(period)
    if period.is_closed:
        grade_change_form(period, rows)
        grade_change_list(period)


def post_form(period) -> None:
    form_key = f"post_marks_{section_id}_{period.grading_period_id}"
    with st.form(form_key):
        if period.is_closed:
            st.caption(
                f"{period.name} is closed: its marks change only through an "
                "approved grade-change request, asked for below."
            )
        comment = st.text_input(
            "Comment on each mark (optional)", key=f"{form_key}_comment"
        )
        submitted = st.form_submit_button(
            "Post the proposed marks", type="primary", key=f"{form_key}_post"
        )
    if not submitted:
        return

    def post(session):
        return gradebook.post_proposed_marks(
            session,
            principal.actor,
            section_id=section_id,
            grading_period_id=period.grading_period_id,
            as_of=as_of,
            comment=comment if comment.strip() else None,
        )

    ui.save(
        in_section(post),
        lambda marks: f"{len(marks)} marks posted for {period.name}.",
    )


def grade_change_form(period, rows) -> None:
    names = {row.student_id: f"{row.name} ({row.student_number})" for row in rows}
    form_key = f"grade_change_{section_id}_{period.grading_period_id}"
    with st.form(form_key):
        st.markdown("**Ask for a grade change**")
        student_id = st.selectbox(
            "Student", list(names), format_func=names.get, key=f"{form_key}_student"
        )
        percent = st.text_input("New mark, in percent", key=f"{form_key}_percent")
        reason = st.text_area("Reason, for the approver", key=f"{form_key}_reason")
        submitted = st.form_submit_button("Request approval", key=f"{form_key}_ask")
    if not submitted:
        return

    def ask(session):
        if principal.staff_id is None:
            access.deny(principal, "grade-change requests, which a staff member makes")
        return approvals.request_grade_change(
            session,
            principal.actor,
            student_id=student_id,
            section_id=section_id,
            grading_period_id=period.grading_period_id,
            percent=percent.strip(),
            requested_by_staff_id=principal.staff_id,
            reason=reason,
        )

    ui.save(
        in_section(ask),
        lambda request: (
            f"Grade-change request {request.approval_request_id} opened: "
            f"{request.payload['percent']}% for {names[student_id]} in "
            f"{period.name}. The change waits for an approver's decision."
        ),
    )


def grade_change_list(period) -> None:
    requests = ui.read(
        principal,
        lambda s: sheets.grade_change_requests(s, section_id, period.grading_period_id),
    )
    if not requests:
        return
    st.markdown(f"**Grade-change requests for {ui.escape_markdown(period.name)}**")
    st.dataframe(
        [
            {
                "Request": request.approval_request_id,
                "Student": request.name,
                "Mark asked %": as_float(request.percent),
                "Mark before %": as_float(request.previous_percent),
                "Status": request.status,
                "Asked on": request.requested_date,
                "Reason": request.reason,
                "Decision": request.decision_reason,
            }
            for request in requests
        ],
        hide_index=True,
        key=f"gradebook_requests_{section_id}_{period.grading_period_id}",
    )
    for request in requests:
        if request.status == "approved" and st.button(
            ui.plain(f"Post the approved mark: {request.percent}% for {request.name}"),
            key=f"apply_request_{request.approval_request_id}",
        ):
            apply_approved(request.approval_request_id, period)


def apply_approved(approval_request_id: int, period) -> None:
    def apply(session):
        request = sheets.grade_change_request_of_section(
            session, section_id, approval_request_id
        )
        return grading.post_mark(
            session,
            principal.actor,
            student_id=request.subject_id,
            section_id=section_id,
            grading_period_id=request.payload["grading_period_id"],
            percent=request.payload["percent"],
            approval_request_id=approval_request_id,
        )

    ui.save(
        in_section(apply),
        lambda mark: (
            f"Mark of {period.name} changed to {mark.percent}% ({mark.letter})."
        ),
    )


as_of = st.date_input(
    "Grades as of", value=dt.date.today(), key="gradebook_as_of", format="YYYY-MM-DD"
)
picked = ui.choose(
    principal,
    "Section",
    ui.read(principal, lambda s: section_choices(s, principal, as_of)),
    param="section",
    key="gradebook_section",
    empty=f"You have no sections with a gradebook on {as_of}.",
    check=lambda s, wanted: access.require_section(s, principal, wanted),
)
section_id = ui.read(
    principal, lambda s: access.require_section(s, principal, picked)
).section_id

scores_tab, grades_tab, marks_tab = st.tabs(
    ["Enter scores", "Running grades", "Period marks"]
)
with scores_tab:
    score_entry()
with grades_tab:
    running_grades()
with marks_tab:
    period_marks()
