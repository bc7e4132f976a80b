"""Wuye enforcement service: one joint inspection (综合查一次): plans, results, rectification, judicial alliance."""
