"""The partner departments of the joint inspection (综合查一次), by code: the enforcement catalogue names
them, the registry's inspector posts act for one of them. One list, so a post cannot name a department the
inspections do not know."""

CODES = frozenset({
    "court", "procuratorate", "police", "safety_office", "justice", "housing", "urban_management",
    "fire_rescue", "market_supervision", "natural_resources", "ecology_environment",
})
