"""The repository the parties services need, as a Protocol: services are typed against it
and never import the store (``creditline.store.parties.SqlCustomerRepository`` implements it;
it is reached as ``uow.customers``)."""

from __future__ import annotations

from typing import Protocol

from creditline.parties.contacts import EmergencyContact
from creditline.parties.customers import Customer


class CustomerRepository(Protocol):
    def add(self, customer: Customer) -> None:
        """Insert; a duplicate identity number or USCC raises ``Conflict``."""

    def get(self, customer_id: str, *, for_update: bool = False) -> Customer | None:
        """Load (decrypted); ``for_update`` locks the row until the transaction ends."""

    def exists(self, customer_id: str) -> bool:
        """Whether a customer with this id is registered (nothing decrypted)."""

    def id_number_taken(self, id_number: str) -> bool: ...

    def uscc_taken(self, uscc: str) -> bool: ...

    def id_by_id_number(self, id_number: str) -> str | None: ...

    def add_contact(self, contact: EmergencyContact) -> None:
        """Insert; the same phone twice for one customer raises ``Conflict``."""

    def contacts(self, customer_id: str) -> list[EmergencyContact]: ...

    def phone_hash(self, phone: str) -> str:
        """The keyed hash (blind index) of a normalised mobile number."""

    def ids_by_phone_hash(self, phone_hash: str) -> list[str]:
        """Customers whose own phone has this hash."""

    def ids_by_contact_phone_hash(self, phone_hash: str) -> list[str]:
        """Customers who list a contact with a phone of this hash."""
