from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "talentloop.search"
    label = "search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Why only the consumers module here: it imports nothing heavy, and the work it
        # queues (reindex, membership refresh) is loaded when it first runs.
        from django.db.models.signals import post_migrate

        from talentloop.search import consumers

        consumers.register()
        post_migrate.connect(_forget_flushed_people, sender=self)


def _forget_flushed_people(**kwargs: object) -> None:
    from talentloop.search.fulltext import forget_everyone_when_no_people

    forget_everyone_when_no_people(**kwargs)
