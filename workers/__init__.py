"""RQ job functions and the worker process: ids in, idempotent, safe to run twice."""
