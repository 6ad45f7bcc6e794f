"""Optional integration: only loaded when imported explicitly."""
import zeta
