"""Validated shapes of what the store holds about GitHub issues (shared by import and collect)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class LabelRecord(BaseModel):
    name: str
    color: str | None = None
    description: str | None = None


class CommentRecord(BaseModel):
    author: str | None = None
    body: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None


class IssueRecord(BaseModel):
    org: str
    repo: str
    number: int = Field(gt=0)
    title: str
    body: str = ""
    state: str
    author: str | None = None
    labels: list[LabelRecord] = Field(default_factory=list)
    created_at: datetime
    updated_at: datetime
    url: str | None = None
    comments: list[CommentRecord] = Field(default_factory=list)
