"""Rights and licensing: holdings, deals in and out, avails."""
