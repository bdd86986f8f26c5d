"""Fraud screening before scoring: blacklists, velocity, rings of linked applicants and the
cool-down after a decline.  Pure functions over facts the store gathers; the thresholds that
turn facts into decline / refer live in the policy's knock-out table."""
