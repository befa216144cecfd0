"""What every layer shares and nothing else: domain errors, chat documents, bank questions, the clock.

It imports nothing else from the package, so storage, llm, services, api and ui may all import it.
"""
