"""What the simulated people do: inspectors log visits and raise tickets, managers assign and close tickets,
reviewers score, and everyone browses lists and reports. Each user signs in through the login form first.

A step is a few requests, as a person's click and the page after it. A step that cannot go on (the ticket
picked was just assigned by another manager, the database is away) ends early; what happened is in the
recorded requests, not raised.
"""

import json
import random
import re
import threading
import time
from collections import Counter
from urllib.parse import urlencode

from .client import RequestFailed, Response, Session, form_with

TICKET_LINK = re.compile(r'href="/assistance/tickets/(\d+)/"')
# The searchable pickers' endpoints (config/autocomplete.py): the form pages list none of these rows.
ENTERPRISE_PICKER = "/clusters/enterprises/autocomplete/"
USER_PICKER = "/assistance/users/autocomplete/"


class SimulatedUser:
    role = "user"
    browse_pages: list[tuple[str, str]] = [("dashboard", "/")]
    steps: list[tuple[str, int]] = [("browse", 1)]

    def __init__(self, session: Session, username: str, password: str, accounts: dict, rng: random.Random):
        self.session, self.username, self.password = session, username, password
        self.accounts, self.rng = accounts, rng
        self.failures: Counter[str] = Counter()  # steps that broke for a reason other than the server's answer

    # --- helpers ------------------------------------------------------------------------------------

    def get(self, page: str, path: str, *, expect: int = 200) -> Response:
        response = self.session.get(page, path)
        if response.status != expect:
            raise RequestFailed(f"GET {path}: {response.status}")
        return response

    def post(self, page: str, path: str, fields, *, expect: int = 302) -> Response:
        response = self.session.post(page, path, fields)
        if response.status != expect:
            raise RequestFailed(f"POST {path}: {response.status}")
        return response

    def pick_from(self, page: str, path: str, **params) -> str:
        """A row of a searchable picker, as a tap on it shows them: its endpoint's first page, one at random."""
        query = f"?{urlencode(params)}" if params else ""
        rows = json.loads(self.get(page, f"{path}{query}").text)["results"]
        if not rows:
            raise LookupError(f"the picker {path}{query} offered nothing")
        return str(self.rng.choice(rows)["id"])

    def pick_ticket(self, page: str, query: str) -> int | None:
        ids = TICKET_LINK.findall(self.get(page, f"/assistance/tickets/{query}").text)
        return int(self.rng.choice(ids)) if ids else None

    # --- steps ------------------------------------------------------------------------------------------

    def sign_in(self) -> None:
        page = self.get("login form", "/accounts/login/")
        form = form_with(page.text, field="username")
        if form is None:
            raise RequestFailed("no login form")
        response = self.post(
            "sign in", "/accounts/login/", form.fields({"username": self.username, "password": self.password})
        )
        if response.location != "/":
            raise RequestFailed(f"sign-in of {self.username} went to {response.location!r}")

    def browse(self) -> None:
        page, path = self.rng.choice(self.browse_pages)
        self.get(page, path)

    def step(self) -> None:
        names, weights = zip(*self.steps, strict=True)
        getattr(self, self.rng.choices(names, weights)[0])()

    def run(self, *, until: float, stop: threading.Event, think: tuple[float, float]) -> None:
        while time.monotonic() < until and not stop.is_set():
            try:
                self.step()
            except RequestFailed:
                pass  # recorded with the request
            except Exception as error:  # a page the step did not expect: count it, go on as a person would
                self.failures[f"{type(error).__name__}: {error}"[:120]] += 1
            stop.wait(self.rng.uniform(*think))


class Inspector(SimulatedUser):
    role = "inspector"
    browse_pages = [
        ("dashboard", "/"),
        ("ticket list", "/assistance/tickets/"),
        ("ticket list (open)", "/assistance/tickets/?status=in_progress&status=assigned"),
        ("visit list", "/assistance/visits/"),
        ("enterprise list", "/clusters/enterprises/"),
        ("service report", "/reports/service/"),
    ]
    steps = [("browse", 4), ("ticket_detail", 3), ("log_visit", 2), ("raise_ticket", 1)]

    def ticket_detail(self) -> None:
        pk = self.pick_ticket("ticket list", "")
        if pk:
            self.get("ticket detail", f"/assistance/tickets/{pk}/")

    def log_visit(self) -> None:
        form = form_with(self.get("visit form", "/assistance/visits/new/").text, field="purpose")
        if form is None:
            raise RequestFailed("no visit form")
        raise_ticket = self.rng.random() < 0.5
        changes = {
            "enterprise": self.pick_from("enterprise picker", ENTERPRISE_PICKER),
            "purpose": "质量提升入企帮扶（负载测试）",
            "findings": "计量器具未按期检定（负载测试）",
            "solved_on_site": "现场讲解检定要求",
        }
        if raise_ticket:
            changes |= {
                "raise_ticket": "on",
                "ticket_category": self.rng.choice(form.choices("ticket_category")),
                "ticket_title": "走访中提出的计量需求（负载测试）",
                "ticket_description": "企业请求协助检定计量器具",
            }
        response = self.post("log visit", "/assistance/visits/new/", form.fields(changes))
        self.get("visit detail", response.location)

    def raise_ticket(self) -> None:
        form = form_with(self.get("ticket form", "/assistance/tickets/new/").text, field="title")
        if form is None:
            raise RequestFailed("no ticket form")
        changes = {
            "enterprise": self.pick_from("enterprise picker", ENTERPRISE_PICKER),
            "category": self.rng.choice(form.choices("category")),
            "title": "企业来电求助（负载测试）",
            "description": "企业请求标准制修订咨询",
            "channel": "phone",
        }
        response = self.post("create ticket", "/assistance/tickets/new/", form.fields(changes))
        self.get("ticket detail", response.location)


class Manager(SimulatedUser):
    role = "manager"
    browse_pages = [
        ("dashboard", "/"),
        ("ticket list", "/assistance/tickets/"),
        ("ticket list (overdue)", "/assistance/tickets/?overdue=true"),
        ("cluster list", "/clusters/"),
        ("service report", "/reports/service/"),
        ("summary report", "/reports/summary/"),
        ("application list", "/assistance/awards/applications/"),
    ]
    steps = [("browse", 3), ("assign", 2), ("close", 2)]

    def _take(self, status: str, action: str, changes) -> None:
        pk = self.pick_ticket(f"ticket list ({status})", f"?status={status}")
        if pk is None:
            return
        detail = self.get("ticket detail", f"/assistance/tickets/{pk}/")
        form = form_with(detail.text, action_ends=f"/assistance/tickets/{pk}/{action}/")
        if form is None:
            return  # another manager got there first
        fields = form.fields(changes(form, pk))
        response = self.post(f"{action} ticket", f"/assistance/tickets/{pk}/{action}/", fields)
        self.get("ticket detail", response.location)

    def assign(self) -> None:
        def changes(form, pk):
            teams = [team for team in form.choices("assign-team") if self.accounts["team_members"].get(team)]
            team = self.rng.choice(teams)
            # The assignee picker searches the members of the chosen team who may work on this ticket.
            assignee = self.pick_from("assignee picker", USER_PICKER, ticket=pk, team=team)
            return {"assign-team": team, "assign-assignee": assignee, "assign-note": "负载测试分派"}

        self._take("new", "assign", changes)

    def close(self) -> None:
        self._take("resolved", "close", lambda form, pk: {"close-note": "企业确认，关闭（负载测试）"})


class Reviewer(SimulatedUser):
    role = "reviewer"
    browse_pages = [
        ("dashboard", "/"),
        ("award home", "/assistance/awards/"),
        ("application list", "/assistance/awards/applications/"),
    ]
    steps = [("browse", 2), ("score", 3)]

    def score(self) -> None:
        assignments = self.accounts["reviewers"].get(self.username) or []
        if not assignments:
            return self.browse()
        pk = self.rng.choice(assignments)
        path = f"/assistance/awards/reviews/{pk}/"
        page = self.get("review page", path)
        declaration = form_with(page.text, field="conflict")
        if declaration is not None:
            self.post("declare no conflict", path, declaration.fields({"conflict": "no"}))
            page = self.get("review page", path)
        form = form_with(page.text, field="recommendation")
        if form is None:
            return  # submitted already, or no longer under review
        changes = {}
        for name in form.values:
            if name.startswith("score_"):
                top = (
                    int(
                        re.search(
                            rf'name="{name}"[^>]*data-max="(\d+)"|data-max="(\d+)"[^>]*name="{name}"', page.text
                        ).group(1)
                        or 0
                    )
                    if re.search(rf'name="{name}"[^>]*data-max="(\d+)"', page.text)
                    else 100
                )
                changes[name] = str(self.rng.randint(top // 2, top))
        changes["recommendation"] = self.rng.choice(form.choices("recommendation") or ["approve"])
        changes["comment"] = "材料完整，结果指标突出（负载测试）"
        self.post("save review", path, form.fields(changes))


ROLES = {"inspector": Inspector, "manager": Manager, "reviewer": Reviewer}
