from .roles import user_roles


def roles(request) -> dict:
    return {"user_roles": user_roles(request.user)}
