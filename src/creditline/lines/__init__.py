"""The credit line's context: the ``Line`` aggregate (``line``), its terms (``terms``), its
status machine (``status``), its limits as events with temporary limits (``limits``), and
what it needs from storage (``ports``).  The use cases are in ``servicing.services``."""
