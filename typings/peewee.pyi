# peewee read as untyped: its bundled stubs know neither the `<foreign key>_id` attributes nor
# the rows of `.tuples()`, so every query would need a cast. Remove once the models declare them.
from typing import Any

def __getattr__(name: str) -> Any: ...
