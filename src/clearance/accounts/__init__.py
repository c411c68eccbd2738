"""People who use the web interface: accounts, passwords, sessions and the login limit.

API keys (clearance.service.auth) identify programs; these accounts identify the
analysts and administrators whose decisions the audit log must name.
"""
