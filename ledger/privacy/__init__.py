"""Complainants' personal information (D34, 个人信息保护法): sealed under data keys kept outside the database."""
