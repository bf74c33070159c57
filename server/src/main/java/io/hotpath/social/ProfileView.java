package io.hotpath.social;

/** A user as others see it, with whether the viewer follows them. */
public record ProfileView(String username, String bio, String image, boolean following) {}
