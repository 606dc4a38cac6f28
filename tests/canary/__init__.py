"""The canary test (issue 26, item 1): every stored value of organization A's
private and draft datasets is a unique ASCII canary; every page and every
side-effect-free action of the site, asked with A's ids and names by anyone
who may not read them, must answer without one.

    plant.py   the catalog: organizations A and B, the users, A's canaries
    scan.py    finding canaries in a response (body, headers, zip members,
               the session cookie)
    matrix.py  the requests: the routes of the Flask app and the actions,
               with the values of A's objects in every parameter they read
"""
