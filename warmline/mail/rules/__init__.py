"""Pure rules for alert e-mails: what each kind says, from ids, counts and times only."""
