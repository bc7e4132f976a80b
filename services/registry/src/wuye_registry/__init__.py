"""Wuye registry service: who governs each compound (places, people, party, committees, companies)."""
