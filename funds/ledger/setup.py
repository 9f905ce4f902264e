"""The ledger's part of FundsConfig.ready(): roles, history pages, import kind."""


def ready() -> None:
    from accountability.demo.registry import register_demo_loader
    from accountability.platform.history import register_history_pages
    from funds.ledger import admin, importers, roles  # noqa: F401  (admin pages, the fund_entries import kind)
    from funds.ledger.demo import load_ledger
    from funds.ledger.selectors import reimbursement_completed_on
    from funds.selectors import register_reimbursement_source

    roles.contribute()
    register_demo_loader(load_ledger)  # after the projects' loader (registered before this)
    register_reimbursement_source(reimbursement_completed_on)  # C2-58: 30 days after acceptance
    register_history_pages(ledger_account="funds.LedgerAccount")
