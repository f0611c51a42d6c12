"""The web room: sign-in and access, routes (exports, embeds, ``/api/v1``), serving,
and the parts the pages share."""
