"""The scenario library over HTTP (filled in with the library)."""

from fastapi import APIRouter

router = APIRouter(prefix="/w13/bibliotheek")
