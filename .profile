# Heroku runs this before every dyno's command (web, worker, release, `heroku run`): bin/warmline
# is the `warmline` command there, as requirements.txt installs only the locked dependencies.
export PATH="$HOME/bin:$PATH"
