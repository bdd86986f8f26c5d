"""Fraud screening before scoring: blacklists, velocity, rings of linked applicants and the
cool-down after a decline.  The checks are pure functions over facts; ``screening`` gathers
those facts for one application through the unit of work, ``services`` manages the
blacklist.  The thresholds that turn facts into decline / refer live in the policy's
knock-out table."""
