"""The runtime's behaviours wired together (they call each other, like Zeebe's behaviours)."""

from __future__ import annotations

from engine.runtime.bpmn import Bpmn
from engine.runtime.calls import Calls
from engine.runtime.context import Context
from engine.runtime.decisions import Decisions
from engine.runtime.deploy import Deployer
from engine.runtime.events import Events
from engine.runtime.flows import Flows
from engine.runtime.incidents import Incidents
from engine.runtime.jobs import Jobs
from engine.runtime.messages import Messages
from engine.runtime.multi import MultiInstance
from engine.runtime.throws import Throws
from engine.runtime.user_tasks import UserTasks
from engine.runtime.variables import Variables


class Behaviors:
    """One instance per engine; every behaviour reaches the others through it."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.vars = Variables(ctx)
        self.bpmn = Bpmn(self)
        self.flows = Flows(self)
        self.events = Events(self)
        self.incidents = Incidents(self)
        self.jobs = Jobs(self)
        self.messages = Messages(self)
        self.throws = Throws(self)
        self.user_tasks = UserTasks(self)
        self.multi = MultiInstance(self)
        self.calls = Calls(self)
        self.decisions = Decisions(self)
        self.deployer = Deployer(self)
