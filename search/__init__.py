"""Answer queries over a built index. Imports index/, never api/ or FastAPI."""
