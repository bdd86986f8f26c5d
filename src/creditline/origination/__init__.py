"""Origination: a customer applies and, within milliseconds, gets a line, a decline with
reasons, or a place in a reviewer's queue.  Screening (``creditline.fraud``), the A-card
(``creditline.scoring``) and the policy tables (``creditline.policy``) decide; the services
here record the application and act on the decision."""
