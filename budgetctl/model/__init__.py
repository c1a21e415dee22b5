"""Values only: records, money, periods, the ledger and its figures. No files, git or processes."""
