"""Parts the pages share: the shell, page context, components and the larger page
sections (forms, panels) that are not pages themselves."""
