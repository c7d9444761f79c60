"""The scripts xlwings Server serves: "Scenario's doorrekenen" (task pane and ribbon button)."""

from w13xl.excel.scripts import scenarios_doorrekenen  # noqa: F401
