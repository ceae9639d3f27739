"""sspost: progress of Vietnam Post's social-insurance enrolment against its targets."""

__version__ = "0.1.0"
