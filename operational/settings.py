"""Quad's settings, read once from the environment and a `.env` file."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Typed settings; every name is `QUAD_` followed by the field in capitals."""

    model_config = SettingsConfigDict(
        env_prefix="QUAD_", env_file=".env", extra="ignore"
    )

    database_url: str = "sqlite:///data/quad.db"
    warehouse_path: Path = Path("data/warehouse.duckdb")
    reports_dir: Path = Path("data/reports")

    # Metric parameters the states set differently (see the metric definitions).
    school_day_minutes: int = Field(default=360, gt=0)
    chronic_absence_min_days: int = Field(default=10, gt=0)
    suppression_min_count: int = Field(default=10, gt=0)
    # Official enrollment count date (month and day); the next instructional
    # day is used when it falls on a closed day.
    count_date_month: int = Field(default=10, ge=1, le=12)
    count_date_day: int = Field(default=1, ge=1, le=31)

    # How far back an incremental load re-reads: a write that waited for a
    # lock may commit with an `updated_at` older than the last watermark.
    pipeline_lookback_seconds: int = Field(default=60, ge=0)
    # The most memory DuckDB may hold while the pipeline builds the warehouse
    # (e.g. "2GB"); past it, it spills to a directory beside the build file.
    # Empty leaves DuckDB's own default, 80% of the machine's memory.
    warehouse_memory_limit: str = Field(
        default="2GB", pattern=r"^(\d+(\.\d+)?\s*[KMGT]i?B)?$"
    )

    # Outgoing mail to families (operational/messaging.py). Without a host,
    # messages stay in the outbox. The password is a secret: no default, and
    # a server that needs a login says so when the sender starts.
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, gt=0, lt=65536)  # submission, RFC 6409
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str | None = None
    smtp_starttls: bool = True

    # The staff app (apps/): where `quad serve` listens, how long a sign-in
    # lasts, and when repeated failures lock an account for a while.
    app_host: str = "127.0.0.1"
    app_port: int = Field(default=8501, gt=0, lt=65536)
    session_hours: float = Field(default=8, gt=0)
    sign_in_max_failures: int = Field(default=5, gt=0)
    lockout_minutes: int = Field(default=15, gt=0)
    # Signs the session cookie. Without one, the app keeps a random key in
    # `app_secret_file`, created on first start and readable by its owner only.
    secret_key: SecretStr | None = None
    app_secret_file: Path = Path("data/app_secret")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read on first use."""
    return Settings()
