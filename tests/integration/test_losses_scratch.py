from datetime import date
from decimal import Decimal
from creditline.auth import SYSTEM
from creditline.ledger import accounts as acc
from creditline.ledger.journal import EntryBuilder
from creditline.servicing import services as sv
from creditline.losses import services as ls
from tests.integration.collections_support import debtor, case_of
from tests.integration.servicing_support import eod_through, ledger_sound
import time

def test_scratch(sqlite_container, clock):
    c = sqlite_container
    d = debtor(c, clock)
    t=time.time()
    eod_through(c, clock, date(2026, 10, 6))
    print("eod secs", time.time()-t)
    v = sv.get_line(d.line_id, c.uow()); print(v)
    with c.uow() as uow:
        uow.ledger.post([EntryBuilder(None).move(acc.IMPAIRMENT_EXPENSE, acc.LOSS_ALLOWANCE, Decimal("500.00")).build("prov1", date(2026,9,30), "provision")])
        uow.commit()
    eod_through(c, clock, date(2026, 10, 7))
    v = sv.get_line(d.line_id, c.uow()); print(v)
    print(ls.list_write_offs(c.uow()))
    print(ls.get_account(d.line_id, c.uow()))
    with c.uow() as uow:
        print(uow.ledger.trial_balance())
        print(uow.collection_cases.get(ls.get_account(d.line_id, c.uow()).case_id))
    ledger_sound(c)
    clock.set_date(date(2026,10,20))
    r = sv.repay(sv.Repay(d.line_id, "300.00"), c.uow(), SYSTEM); print(r)
    ledger_sound(c)
    print(ls.list_payments(c.uow()))
