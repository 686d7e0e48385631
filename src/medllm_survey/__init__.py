"""medllm-survey: a knowledge base of large language models for medical images."""

__version__ = "0.1.0"
