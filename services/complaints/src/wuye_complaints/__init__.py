"""Wuye complaints service: every complaint answered: intake, dispatch, deadlines, escalation, callback, rates."""
