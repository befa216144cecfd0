"""The interview screen: its state, the streamed generations, the page and its report."""
