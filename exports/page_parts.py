"""Wording the packs share with the dashboard's pages, so a chart title or a demand
statement reads the same in Word as on screen."""

from dashboards.wording import noun, target_finding, ytd_values
from dashboards.wording import statement as demand_statement

__all__ = ["demand_statement", "noun", "target_finding", "ytd_values"]
