package dev.bedside.tensor;

/**
 * A backend that lives in another module and may be unavailable at run time (a GPU backend whose runtime
 * the user installs), found with {@link java.util.ServiceLoader}. The provider class itself must load without
 * that runtime: it checks for it in {@link #create} and throws with the reason when it is missing or broken.
 */
public interface BackendProvider {

    /** The name {@code --backend} accepts, e.g. {@code "tornado"}. */
    String name();

    /**
     * Starts the backend on its device, or throws an exception whose message is one line a user can act on
     * (what is missing, and how to install it). With {@code automatic} ({@code --backend auto}) a provider also
     * declines, saying why, where it would be slower than the CPU backend (a GPU runtime whose device is the CPU).
     */
    Backend create(boolean automatic) throws Exception;
}
