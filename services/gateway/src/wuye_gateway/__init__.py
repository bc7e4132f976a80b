"""Wuye gateway: the one front door for web and mobile clients."""
