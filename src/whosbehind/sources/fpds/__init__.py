"""FPDS-NG: the Federal Procurement Data System's public ATOM feed of contract actions."""
