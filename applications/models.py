# The applications app's models arrive with its issue; the app exists now so the layout and migrations are stable.
