"""Use cases: load through the database, ask the domain rules, write the outbox, enqueue."""
