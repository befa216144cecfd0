"""OnlyJobless: practise IT job interviews with an LLM."""
