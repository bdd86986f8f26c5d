"""Collections: what happens when payments are late.

Ageing (an end-of-day stage: every visited line into a days-past-due bucket, the bucket
history, one collection case per delinquent line), the compliance gate every collection
contact passes before it is made (rule profiles as versioned data, the contact log and its
replay), a collector's day (queue, calls, promises to pay, hardship, disputes, pauses) and
agencies and legal referrals.  Domain and services only: no I/O framework, no store; the
stage that runs ageing lives in ``creditline.batch.collections``.
"""
