"""Make an API token for a user and print it, the only time it is shown."""

from django.core.management.base import BaseCommand, CommandError

from clusters import services
from clusters.models import User


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it once; only its digest is stored."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="Which system uses the token (default: the username).")

    def handle(self, *args, username: str, name: str, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        if not user.is_active:
            raise CommandError(f"{username} is not active; an inactive user's token would be refused.")
        token, plain = services.api_token_create(user=user, name=name or username)
        self.stderr.write(f"API token {token.prefix}… for {username}; copy it now, it is not shown again:")
        self.stdout.write(plain)
