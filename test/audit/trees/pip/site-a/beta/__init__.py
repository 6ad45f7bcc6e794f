"""beta"""
