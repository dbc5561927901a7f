"""Quad's settings, read once from the environment and a `.env` file."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
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


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read on first use."""
    return Settings()
