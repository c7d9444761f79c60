"""w13xl's overrides of xlwings Server's sign-in providers (xlwings Server imports ``auth.<provider>``
from the project folder before its own)."""
